"""WSGI entry point: gunicorn (gevent worker) loads wsgi:app; `flask --app wsgi` uses it too."""
from app import create_app
from app.core import gc_tuning

app = create_app()
gc_tuning.tune()
