"""scalexpert: a rule-based expert system that assesses software architectures for scalability."""

__version__ = "0.1.0"
