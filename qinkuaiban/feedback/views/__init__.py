"""The feedback pages, mounted at /feedback/ (namespace `feedback`)."""
