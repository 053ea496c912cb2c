"""WSGI entry point: gunicorn (gevent worker) loads wsgi:app; `flask --app wsgi` uses it too."""
from app import create_app

app = create_app()
