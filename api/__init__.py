"""Delivery surfaces: the FastAPI app (:func:`api.app.create_app`) and the ``semcat`` CLI."""
