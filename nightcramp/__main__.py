from nightcramp.cli import main

main()
