"""OKRs: objectives, key results that update themselves from platform metrics, check-ins."""
