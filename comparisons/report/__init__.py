"""What people read: charts (altair), the HTML briefing, the Excel workbook and the terminal tables.

Submodules are imported on use (altair, Jinja2 and openpyxl are heavy): ``from comparisons.report import
charts``.
"""
