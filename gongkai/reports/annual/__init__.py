"""The annual report (政府信息公开工作年度报告, REG 49–50): created, drafted, validated and
published through the catalogue, with reminders before its deadlines."""
