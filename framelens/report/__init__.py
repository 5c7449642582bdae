"""The framing report: data (``data``), figures (``figures``), HTML/Markdown (``render``) and files (``write``).

Submodules are imported where they are used, so importing the package stays light.
"""
