"""The API's own endpoint: its OpenAPI document, built from every feature registered on this app."""
from flask import current_app, jsonify

from app.api import ApiBlueprint
from app.api.openapi import document_of

api = ApiBlueprint("openapi", __name__)


@api.get("/openapi.json")
def openapi_document():
    return jsonify(document_of(current_app).document())
