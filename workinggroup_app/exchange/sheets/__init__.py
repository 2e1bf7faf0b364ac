"""Spreadsheets: importing records from CSV and XLSX, templates, CSV and XLSX exports."""
