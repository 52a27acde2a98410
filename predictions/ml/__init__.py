"""Django-free machine learning for SMK Dashboard.

Modules: `data` (SequenceData, the one model input), `features` (school tables ->
SequenceData), `labels`, `models` (the public names: rnn, cnn, rf, lr, gbdt, ensemble),
`tabular` (the tabular view and the scikit-learn models; never imports Keras), `networks`
(the Keras networks) and `deep` (the Keras classifier; Keras imported lazily), `calibration`
(calibration maps, ECE, vote weights), `metrics` (fold metrics, champion rule), `crossval`
(every model on the same folds, temporal check), `train` (cross-validate, select, calibrate,
refit), `evaluate` (evaluate_dataset on a spec'd CSV), `registry` (artifacts), `explain`
(scoring and reasons). Nothing here
imports Django, and only the deep models import Keras (lazily), so web requests never load
TensorFlow.
"""
