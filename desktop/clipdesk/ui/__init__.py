"""The Qt user interface, in layers by feature: common < player < document < review <
editing | export < shell (the contracts in pyproject.toml enforce it). Qt is imported
only under this package."""
