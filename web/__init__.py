"""The aiohttp application shell: health, metrics and the routes each package adds."""
