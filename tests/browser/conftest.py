"""Browser fixtures live in tests/browser/fixtures.py, loaded for the whole suite by the top-level
conftest, so every browser test shares one Playwright instance."""
