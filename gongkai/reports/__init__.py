"""Statistics and the annual report (政府信息公开工作年度报告, REG 49–50).

Every figure is computed from the records of the other apps, read only through their
selectors: ``tables`` computes the national format's tables (国办公开办函〔2021〕30号) for a
year and an agency or the whole government, ``validation`` checks the tables' identities
before anything is published.
"""
