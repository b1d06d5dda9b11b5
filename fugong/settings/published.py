"""Secrets that are published in this repository: the development settings use them so that
``make run`` needs nothing, and the production settings refuse to start with any of them."""

DEVELOPMENT_SECRET_KEY = "development-only-secret-not-for-production-6f1c0b7e2d9a4e8b"  # noqa: S105
DEVELOPMENT_DATA_KEYS = "dev1:ZGV2ZWxvcG1lbnQtb25seS1kYXRhLWtleS0wMDAwMDA"
DEVELOPMENT_LOOKUP_KEY = "ZGV2ZWxvcG1lbnQtb25seS1sb29rdXAta2V5LTAwMDA"
