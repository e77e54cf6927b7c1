"""meshroom's Python hook API.

Hook files of a meshroom project (``products/<p>/*.py`` and
``products/<p>/integrations/<target>/<stem>.py``) import this package to register
hooks with decorators::

    from meshroom.decorators import setup_consumer
    from meshroom.model import Integration, Plug, Instance

    @setup_consumer("events", order="first")
    def enable_intake(integration: Integration, plug: Plug, instance: Instance):
        ...

meshroom runs these files in one Python process per command (see ``_host.py``) and
puts this package on the path itself: nothing is installed with pip. Standard
library only; Python 3.9 or later.
"""

__all__ = ["decorators", "model", "interaction"]

#: The version of the protocol between meshroom and its Python host.
PROTOCOL = 1
