"""The warehouse's SQL, read as package data: ``schema/`` (contract tables), ``models/``
(views in ``staging/``, ``intermediate/`` and ``marts/``) and ``tests/`` (data tests)."""
