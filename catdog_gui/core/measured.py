"""Accuracy and time of each built-in network with the recommended values, as measured by
bench/quality.py (which writes this file; do not edit it by hand)."""

FIGURES = {
    "efficientnet-lite0": {
        "feature-extraction-augmented": {
            "catsdogs": {
                "test_accuracy": 0.991,
                "seconds": 284,
                "photos": 1000,
                "machine": "AMD EPYC, 2 cores"
            },
            "flowers17": {
                "test_accuracy": 0.971,
                "seconds": 116,
                "photos": 204,
                "machine": "AMD EPYC, 2 cores"
            }
        },
        "feature-extraction": {
            "catsdogs": {
                "test_accuracy": 0.992,
                "seconds": 41,
                "photos": 1000,
                "machine": "AMD EPYC, 2 cores"
            },
            "flowers17": {
                "test_accuracy": 0.956,
                "seconds": 19,
                "photos": 204,
                "machine": "AMD EPYC, 2 cores"
            }
        },
        "fine-tuning": {
            "catsdogs": {
                "test_accuracy": 0.994,
                "seconds": 425,
                "photos": 1000,
                "machine": "AMD EPYC, 2 cores"
            },
            "flowers17": {
                "test_accuracy": 0.99,
                "seconds": 203,
                "photos": 204,
                "machine": "AMD EPYC, 2 cores"
            }
        }
    },
    "efficientnet-lite1": {
        "feature-extraction": {
            "catsdogs": {
                "test_accuracy": 0.992,
                "seconds": 69,
                "photos": 1000,
                "machine": "AMD EPYC, 2 cores"
            },
            "flowers17": {
                "test_accuracy": 0.975,
                "seconds": 22,
                "photos": 204,
                "machine": "AMD EPYC, 2 cores"
            }
        }
    },
    "efficientnet-lite2": {
        "feature-extraction": {
            "catsdogs": {
                "test_accuracy": 0.994,
                "seconds": 63,
                "photos": 1000,
                "machine": "AMD EPYC, 2 cores"
            },
            "flowers17": {
                "test_accuracy": 0.966,
                "seconds": 24,
                "photos": 204,
                "machine": "AMD EPYC, 2 cores"
            }
        },
        "fine-tuning": {
            "catsdogs": {
                "test_accuracy": 0.994,
                "seconds": 780,
                "photos": 1000,
                "machine": "AMD EPYC, 2 cores"
            },
            "flowers17": {
                "test_accuracy": 0.98,
                "seconds": 355,
                "photos": 204,
                "machine": "AMD EPYC, 2 cores"
            }
        }
    }
}
