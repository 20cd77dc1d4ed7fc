"""Development tools: the local runner, real test servers and pytest fixtures. Never shipped in an image."""
