"""The API in One dialect (apiin.one): /api/v1/audio/music*, /api/v1/tasks/{id}."""
