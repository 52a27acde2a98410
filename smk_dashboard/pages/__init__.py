"""The top layer: pages and APIs that combine students, predictions and interventions."""
