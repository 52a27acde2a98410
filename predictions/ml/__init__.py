"""Django-free machine learning for SMK Dashboard.

Modules: `features` (tables -> SequenceData), `labels`, `models` (rnn, cnn, rf, lr, gbdt),
`train` (cross-validate, select, refit), `evaluate` (metrics, evaluate_dataset), `registry`
(artifacts), `explain` (scoring and reasons). Nothing here imports Django, and only the deep
models import Keras (lazily), so web requests never load TensorFlow.
"""
