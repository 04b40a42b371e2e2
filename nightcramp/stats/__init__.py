"""Honest personal statistics for one person's night diary: numpy, scipy and statsmodels, never Django.

A :class:`~nightcramp.stats.base.Nights` table goes in, result objects come out. Each model lives in its
own module over the shared base (``base.py``) and the shared GLM pieces (``model.py``): the stretching
experiment (``experiment.py``), the observational stretching estimate (``observational.py``),
seasonality (``seasonality.py``), factors (``factors.py``) and trend (``trend.py``). Numbers that cannot
be estimated are ``None``, never invented.
"""
