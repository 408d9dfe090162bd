"""The models of third-party information retrieval (第三方信息调取协同办理)."""
