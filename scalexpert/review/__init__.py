"""The review workflow around a check: configuration files, suppressions, baselines, scores and
differences between two versions of an architecture.

* ``config_files``: ``.scalexpert.yaml`` / ``[tool.scalexpert]`` found and read into a :class:`~scalexpert.config.Config`;
* ``suppressions``: accepted findings stated in the architecture file, and the meta rules about them;
* ``baseline``: findings accepted by a baseline file (compared as multisets of fingerprints);
* ``score``: a 0–100 score per category and overall, with its arithmetic;
* ``diff``: two versions of an architecture and of their reports, compared.
"""
