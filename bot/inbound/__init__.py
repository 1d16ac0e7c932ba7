"""Into the service: WeChat callbacks verified, guarded and stored before any answer."""
