"""werkzeug.middleware - see werkzeug.middleware.dispatcher."""
