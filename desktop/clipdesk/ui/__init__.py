"""The Qt user interface. Qt is imported only under this package."""
