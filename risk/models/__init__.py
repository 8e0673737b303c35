"""bigfinder's own risk models; each follows :class:`risk.contract.RiskModel`."""
