"""Django-free machine learning for SMK Dashboard.

Modules: `features` (tables -> SequenceData), `labels`, `models` (the public names: rnn, cnn,
rf, lr, gbdt, ensemble), `tabular` (the scikit-learn models; never imports Keras), `deep`
(the Keras models; Keras imported lazily), `calibration` (calibration maps, ECE, vote
weights), `train` (cross-validate, select, calibrate, refit), `evaluate` (metrics,
evaluate_dataset), `registry` (artifacts), `explain` (scoring and reasons). Nothing here
imports Django, and only the deep models import Keras (lazily), so web requests never load
TensorFlow.
"""
