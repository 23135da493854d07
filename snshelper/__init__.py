"""SNS Helper: a self-hosted platform for an SNS marketing business."""
