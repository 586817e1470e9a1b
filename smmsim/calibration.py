"""Calibrate the claim's spreading to real cascades (ABC-SMC), against a branching baseline.

:func:`calibrate` splits the real cascades of one label into a training and a
held-out part, fits the parameters of the scenario in :func:`base_config`
(:data:`PARAMETERS`) to the training cascades by approximate Bayesian
computation with sequential Monte Carlo (pyabc's ABC-SMC, Klinger et al.
2018; population Monte Carlo, Beaumont et al. 2009), and measures the fit on
the held-out cascades: the two-sample Kolmogorov-Smirnov distance and p of
size, depth, maximum breadth and structural virality. The same table is
computed for a baseline with no social graph at all, a two-type Galton-Watson
branching process (the root's number of replies and a reply's number of
replies, each negative binomial, fitted by maximum likelihood), so the
reader sees what the graph adds.

The simulator is the engine itself: every particle is a scenario config
(the claim posted by random broadcasters of a Holme-Kim graph, nothing else
running) and its cascades come from :func:`smmsim.cascades.simulated_cascade_shapes`,
the same code as ``smmsim cascades --simulate``. Particles are evaluated on
local processes or on a Dask cluster, in a fixed order (:mod:`smmsim._abc`),
so the same seed gives the same fit whatever the number of workers.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._rng import as_seed_sequence, calibration_seeds, check_seed, fold_root, refine_seeds
from ._validation import check_choice, check_int
from .cascades import SHAPE_STATS, forest_shapes, ks_reference, ks_table, read_reply_trees

if TYPE_CHECKING:
    import numpy.typing as npt

    from ._rng import RngLike, SeedLike
    from .scenario import ScenarioConfig

__all__ = [
    "BUDGETS",
    "PARAMETERS",
    "CalibrationResult",
    "base_config",
    "calibrate",
    "claim_summary",
    "cross_validate",
    "heldout_split",
    "bass_q_by_structure",
    "fit_bass",
    "fit_branching",
    "simulate_branching",
]

PARAMETERS = {
    # name: (dotted config path, low, high, scale)
    "stickiness": ("crisis.stickiness", 0.005, 0.15, "log"),
    "trust_followers": ("graph.ties.trust_followers", 0.1, 1.0, "log"),
    "followers_mean": ("graph.followers_mean", 0.01, 0.5, "log"),
    "followers_sigma": ("graph.followers_sigma", 0.5, 2.5, "linear"),
    "thread_heat": ("crisis.thread_heat", 0.01, 0.6, "log"),
    "thread_concentration": ("crisis.thread_concentration", 0.2, 20.0, "log"),
}
"""Fitted parameters: config path, prior range and prior scale (uniform or log-uniform).

The ranges are wide but exclude regions that a look at the Chilean cascades
rules out (a claim that spreads supercritically between friends, or posters
whose followers almost never reply).

- ``stickiness``: chance that a person who sees a friend's reply (a tie of
  trust 1) replies too; with ``dynamics.trust_effect`` 1 a tie of trust
  ``w`` gives ``w * stickiness``.
- ``trust_followers``: trust of a follower tie, so a follower of the poster
  replies with chance ``trust_followers * stickiness``.
- ``followers_mean``, ``followers_sigma``: the posters' audiences,
  log-normal with this mean (fraction of the population) and log sd.
- ``thread_heat``, ``thread_concentration``: conversations of unequal heat
  under every reply (:func:`smmsim.cascades.add_threads`): the mean heat
  (answers per tweet) and how unequal threads are. They replace the
  single-chance back-and-forth threads (``crisis.reply_back_prob``, kept at 0):
  in real reply trees a reply's number of answers grows with its depth, which
  only unequal threads reproduce (data/parameter_sources.yaml).
"""

BUDGETS = {
    # ABC population, prior draws that set the first tolerance, populations, tolerance
    # quantile, cap on evaluations, cascades per particle, graph size, cascades for the
    # held-out check, candidates re-scored
    "tiny": dict(n_particles=6, n_init=12, n_generations=2, alpha=0.5, max_evaluations=60,
                 n_sim=24, n_nodes=1500, n_check=60, n_refine=3),
    "quick": dict(n_particles=40, n_init=120, n_generations=8, alpha=0.5, max_evaluations=750,
                  n_sim=300, n_nodes=20000, n_check=600, n_refine=8),
    "full": dict(n_particles=100, n_init=300, n_generations=12, alpha=0.5,
                 max_evaluations=6000, n_sim=300, n_nodes=20000, n_check=2000, n_refine=10),
}  # fmt: skip
"""Preset sizes of a calibration (``--budget``).

pyabc draws ``n_init`` particles from the prior to set the first tolerance,
then runs up to ``n_generations`` populations of ``n_particles``, each
tolerance the ``alpha`` quantile of the last population's distances. No
generation starts that is expected to take the run past ``max_evaluations``
particles (a count, so the cut falls at the same place on any machine and
any number of workers; a batch's particles past a population's last
acceptance are evaluated but not counted: the quick fit of False counted 747
and evaluated 837). ``quick`` is sized to end within 10 minutes on 2
cores: measured 8 min 4 s (True) and 9 min 36 s (False) on a 2-core machine
shared with other sessions (load 4-6; the fit got 0.6-0.7 of a core, 5 min 34 s
and 6 min 7 s of CPU).
"""


def base_config(n_nodes: int = 20000) -> ScenarioConfig:
    """The scenario every particle runs: only a claim, posted by random broadcasters.

    A Holme-Kim graph (``m`` = 4, clustering, segments) with 200 broadcasters;
    in each run 50 of them, drawn at random, post the claim (50 cascades per
    run); everyone is equally active and passes on whatever they engage with
    (so ``stickiness`` alone sets the chance), engagement scales with tie trust
    (``dynamics.trust_effect`` = 1), no correction, no brand campaign.
    """
    from .scenario import ScenarioConfig

    return ScenarioConfig.from_dict(
        {
            "name": "calibrated_claim",
            "steps": 300,
            "graph": {
                "model": "holme_kim",
                "n_nodes": int(n_nodes),
                "m": 4,
                "n_broadcasters": 200,
                "followers_mean": 0.05,
            },
            "population": {"activity": 1.0, "share_propensity": 1.0, "heterogeneity": 0.0},
            "dynamics": {"trust_effect": 1.0},
            "crisis": {
                "enabled": True,
                "claim_only": True,
                "source": "broadcasters",
                "k": 50,
                "step": 0,
                "shareability": 1.0,
                "correction": {"enabled": False},
            },
        }
    )


def _from_unit(name, u):
    _, lo, hi, scale = PARAMETERS[name]
    if scale == "log":
        return float(math.exp(math.log(lo) + u * (math.log(hi) - math.log(lo))))
    return float(lo + u * (hi - lo))


def _overrides(theta_unit) -> dict:
    return {
        PARAMETERS[name][0]: _from_unit(name, u)
        for name, u in zip(PARAMETERS, theta_unit, strict=True)
    }


def _stat_arrays(shapes) -> dict:
    return {s: np.sort(np.asarray(shapes[s], dtype=np.float64)) for s in SHAPE_STATS}


def _ks(a_sorted, b_sorted) -> float:
    both = np.concatenate([a_sorted, b_sorted])
    fa = np.searchsorted(a_sorted, both, side="right") / len(a_sorted)
    fb = np.searchsorted(b_sorted, both, side="right") / len(b_sorted)
    return float(np.max(np.abs(fa - fb)))


def _distance(per_stat) -> float:
    """ABC distance: the mean of the mean and the largest of the four KS distances.

    The largest term keeps the fit from trading one statistic away for the
    others (the target is a bound on each).
    """
    return 0.5 * (float(np.mean(per_stat)) + float(np.max(per_stat)))


def _evaluate(task):
    """Distance of one particle (:func:`_distance`) and its four KS (worker function)."""
    from .cascades import simulated_cascade_shapes
    from .scenario import ScenarioConfig

    base, theta_unit, n_sim, seed, observed = task
    cfg = ScenarioConfig.from_dict(base).with_overrides(_overrides(theta_unit))
    sim = _stat_arrays(simulated_cascade_shapes(cfg, n_sim, rng=seed))
    per_stat = [_ks(observed[s], sim[s]) for s in SHAPE_STATS]
    return _distance(per_stat), per_stat


class _Pool:
    """Evaluate tasks on local processes (or in this process), or on a Dask scheduler."""

    def __init__(self, workers=None, scheduler=None):
        self.client = self.executor = None
        if scheduler is not None:
            from distributed import Client

            self.client = Client(scheduler)
        else:
            import os

            workers = workers or min(2, os.cpu_count() or 1)
            if workers > 1:
                import multiprocessing as mp
                from concurrent.futures import ProcessPoolExecutor

                self.executor = ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"))

    def map(self, fn, tasks, callback):
        if self.client is not None:
            from distributed import as_completed

            futures = self.client.map(fn, tasks, pure=False)
            index = {f.key: i for i, f in enumerate(futures)}
            out = [None] * len(tasks)
            for fut in as_completed(futures):
                out[index[fut.key]] = fut.result()
                callback()
            return out
        if self.executor is not None:
            futures = [self.executor.submit(fn, t) for t in tasks]
            from concurrent.futures import as_completed as done

            for _ in done(futures):
                callback()
            return [f.result() for f in futures]
        out = []
        for t in tasks:
            out.append(fn(t))
            callback()
        return out

    def close(self):
        if self.client is not None:
            self.client.close()
        if self.executor is not None:
            self.executor.shutdown()


class _Simulator:
    """The ABC model: a particle's four KS distances to the training cascades."""

    def __init__(self, base, n_sim, observed):
        self.base, self.n_sim, self.observed = base, n_sim, observed

    def __call__(self, pars) -> dict:
        from ._abc import model_seed

        seed = model_seed()
        theta = [float(pars[name]) for name in PARAMETERS]
        _, per_stat = _evaluate((self.base, theta, self.n_sim, seed, self.observed))
        return dict(zip(SHAPE_STATS, per_stat, strict=True))


def _abc_distance(x, x_0) -> float:
    """pyabc's distance: :func:`_distance` of the model's four KS (``x_0`` is unused)."""
    return _distance([x[s] for s in SHAPE_STATS])


def _abc_smc(observed, base, budget, fit_ss, pool, progress):
    """ABC-SMC by pyabc (population Monte Carlo with a quantile tolerance schedule).

    pyabc draws ``n_init`` particles from the prior (uniform on the unit cube
    of :data:`PARAMETERS`) to set the first tolerance, then runs up to
    ``n_generations`` populations of ``n_particles``: proposals from a
    multivariate normal kernel around the last population (Scott's
    bandwidth), importance weights, each tolerance the ``alpha`` quantile of
    the last population's distances. Particles are evaluated by
    :class:`smmsim._abc.OrderedSampler` (same seed, same numbers on any
    number of workers) and the run stops early when the next generation would
    pass ``max_evaluations``. Returns the final population.
    """
    import logging
    import tempfile

    import pyabc

    from ._abc import OrderedSampler

    logging.getLogger("ABC").setLevel(logging.WARNING)
    b = budget
    bar = None
    if progress:
        from tqdm.auto import tqdm

        bar = tqdm(total=b["max_evaluations"], desc="calibrate", unit="particle")
    sampler = OrderedSampler(
        pool, fit_ss, max_evaluations=b["max_evaluations"],
        bar=bar,
    )  # fmt: skip
    prior = pyabc.Distribution(**{name: pyabc.RV("uniform", 0.0, 1.0) for name in PARAMETERS})
    abc = pyabc.ABCSMC(
        _Simulator(base, b["n_sim"], observed),
        prior,
        _abc_distance,
        population_size=pyabc.ConstantPopulationSize(
            b["n_particles"], nr_calibration_particles=b["n_init"]
        ),
        eps=pyabc.QuantileEpsilon(alpha=b["alpha"]),
        sampler=sampler,
    )
    try:
        with tempfile.TemporaryDirectory(prefix="smmsim-abc-") as tmp:
            abc.new(f"sqlite:///{Path(tmp) / 'abc.db'}", {})
            history = abc.run(max_nr_populations=b["n_generations"])
            population = history.get_population()
            eps = float(history.get_all_populations()["epsilon"].iloc[-1])
            generations = int(history.max_t) + 1
    finally:
        if bar is not None:
            bar.close()
    particles = population.particles
    theta = np.array([[p.parameter[name] for name in PARAMETERS] for p in particles])
    weights = np.array([p.weight for p in particles], dtype=np.float64)
    dist = np.array([p.distance for p in particles], dtype=np.float64)
    rows = [
        {"generation": t, "accepted": bool(p.accepted), "distance": p.distance,
         **{f"ks_{s}": p.sum_stat[s] for s in SHAPE_STATS},
         **{k: _from_unit(k, p.parameter[k]) for k in PARAMETERS}}
        for t, p in sampler.records
    ]  # fmt: skip
    return theta, weights / weights.sum(), dist, eps, pd.DataFrame(rows), generations


def _weighted_quantile(x, w, q):
    order = np.argsort(x)
    cw = np.cumsum(w[order])
    cw /= cw[-1]
    return float(np.interp(q, cw - w[order] / 2 / w.sum(), x[order]))


# ---------------------------------------------------------------------------
# The baseline: a two-type Galton-Watson process with negative binomial offspring
# ---------------------------------------------------------------------------


def _nbinom_fit(counts):
    """MLE of a negative binomial (mean, size) for ``counts``."""
    from scipy.optimize import minimize_scalar
    from scipy.special import gammaln

    x = np.asarray(counts, dtype=np.float64)
    mean = max(x.mean(), 1e-9)

    def nll(log_r):
        r = math.exp(log_r)
        log_total = math.log(r + mean)
        return -np.sum(
            gammaln(x + r)
            - gammaln(r)
            - gammaln(x + 1)
            + r * (log_r - log_total)
            + x * (math.log(mean) - log_total)
        )

    best = minimize_scalar(nll, bounds=(-12.0, 12.0), method="bounded")
    return float(mean), float(math.exp(best.x))


def fit_branching(trees: list) -> dict:
    """Fit the two-type Galton-Watson baseline to reply trees.

    Parameters
    ----------
    trees : list of (cascade_id, label, lp, seconds)
        As :func:`smmsim.cascades.read_reply_trees` returns.

    Returns
    -------
    dict
        ``root_mean``, ``root_size`` (negative binomial of the root's
        replies) and ``reply_mean``, ``reply_size`` (of a reply's replies),
        maximum-likelihood estimates (the mean is the sample mean).
    """
    roots, replies = [], []
    for _, _, lp, _ in trees:
        kids = np.bincount(lp[lp >= 0], minlength=len(lp))
        roots.append(kids[0])
        replies.append(kids[1:])
    root_mean, root_size = _nbinom_fit(np.array(roots))
    reply_mean, reply_size = _nbinom_fit(np.concatenate(replies))
    return {
        "root_mean": root_mean,
        "root_size": root_size,
        "reply_mean": reply_mean,
        "reply_size": reply_size,
    }


def simulate_branching(
    params: dict, n: int, *, rng: RngLike = None, max_size: int = 200_000
) -> pd.DataFrame:
    """Shapes of ``n`` trees of the two-type Galton-Watson baseline.

    Parameters
    ----------
    params : dict
        As :func:`fit_branching` returns.
    n : int >= 1
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).
    max_size : int, default 200000
        A tree is cut at this many nodes (a supercritical fit cannot run away).

    Returns
    -------
    pandas.DataFrame
        Columns of :func:`smmsim.cascades.forest_shapes` (``duration_s`` the
        depth in generations), label "branching".
    """
    rng = np.random.default_rng(rng)

    def draw(mean, size, k):
        if mean <= 0:
            return np.zeros(k, np.int64)
        return rng.negative_binomial(size, size / (size + mean), size=k)

    rows = []
    for _ in range(n):
        lp = [np.array([-1], np.int64)]
        depth = [np.zeros(1)]
        frontier = np.array([0])
        total, level, is_root = 1, 0, True
        while len(frontier) and total < max_size:
            if is_root:
                kids = draw(params["root_mean"], params["root_size"], 1)
            else:
                kids = draw(params["reply_mean"], params["reply_size"], len(frontier))
            kids = np.minimum(kids, max_size - total)
            kids[np.cumsum(kids) > max_size - total] = 0
            parents = np.repeat(frontier, kids)
            new = np.arange(total, total + len(parents))
            level += 1
            lp.append(parents)
            depth.append(np.full(len(parents), float(level)))
            total += len(parents)
            frontier = new
            is_root = False
        shape = forest_shapes(np.concatenate(lp), np.concatenate(depth)).iloc[0]
        rows.append(shape)
    out = pd.DataFrame(rows).reset_index(drop=True)
    out.insert(0, "label", "branching")
    return out


# ---------------------------------------------------------------------------
# The driver
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CalibrationResult:
    """What :func:`calibrate` found (also written to its output folder)."""

    label: str
    config: ScenarioConfig
    params: pd.DataFrame
    fit: pd.DataFrame
    posterior: pd.DataFrame
    history: pd.DataFrame
    baseline_params: dict
    split: pd.DataFrame
    n_train: int
    n_test: int
    seconds: float
    generations: int
    out: Path | None
    reference: pd.DataFrame | None = None

    def report(self) -> str:
        """A plain-text summary: fitted values and the held-out KS table."""
        lines = [
            f"label {self.label}: {self.n_train} training / {self.n_test} held-out cascades, "
            f"{self.generations} ABC generations, {self.seconds:.0f} s",
            "fitted (best particle; posterior mean, sd, 95% interval):",
        ]
        for row in self.params.itertuples():
            lines.append(
                f"  {row.parameter:<16} {row.best:.4g}  ({row.mean:.4g}, sd {row.sd:.2g}, "
                f"[{row.q025:.4g}, {row.q975:.4g}])"
            )
        lines.append("held-out KS (distance, p):")
        wide = self.fit.pivot(index="stat", columns="model", values=["ks", "p"])
        for stat in SHAPE_STATS:
            cells = "  ".join(
                f"{m}: {wide.loc[stat, ('ks', m)]:.3f} (p {wide.loc[stat, ('p', m)]:.2g})"
                for m in ("smmsim", "branching", "real_training")
            )
            lines.append(f"  {stat:<20} {cells}")
        if self.reference is not None:
            ref = self.reference.set_index("stat")
            lines.append(
                f"a model exactly right, against {self.n_test} held-out cascades "
                "(parametric bootstrap; KS median, 95th percentile, bootstrap p of the fit):"
            )
            for stat in SHAPE_STATS:
                r = ref.loc[stat]
                lines.append(
                    f"  {stat:<20} {r.ks_median:.3f}, {r.ks_q95:.3f}  (fit {r.ks:.3f}, p {r.p:.2g})"
                )
            lines.append(
                f"  meets KS <= 0.15 on all four in {ref.loc['all', 'share_within']:.0%} of draws"
            )
        if self.out is not None:
            lines.append(f"written to {self.out}/ (fitted.yaml, fit.csv, params.csv, ...)")
        return "\n".join(lines)


def _split(n, test_fraction, split_ss):
    order = np.random.default_rng(split_ss).permutation(n)
    n_test = max(1, int(round(test_fraction * n)))
    return np.sort(order[n_test:]), np.sort(order[:n_test])


def heldout_split(
    n: int, *, test_fraction: float = 0.3, rng: SeedLike = 0
) -> tuple[np.ndarray, np.ndarray]:
    """The training and held-out positions :func:`calibrate` uses for ``n`` cascades.

    Parameters
    ----------
    n : int >= 1
        Number of cascades (in :func:`smmsim.cascades.read_reply_trees` order).
    test_fraction : float in (0, 1), default 0.3
    rng : int or numpy.random.SeedSequence, default 0
        The ``rng`` given to :func:`calibrate`.

    Returns
    -------
    (train_idx, test_idx) : sorted int arrays

    Examples
    --------
    >>> train, test = heldout_split(10, rng=0)
    >>> len(train), len(test), sorted([*train, *test]) == list(range(10))
    (7, 3, True)
    """
    check_int("n", n, minimum=1)
    root = as_seed_sequence(rng)
    return _split(n, test_fraction, calibration_seeds(root)["split"])


def _fit_split(trees, shapes, train_idx, test_idx, label, b, seeds, pool, progress):
    """Fit on ``train_idx``, check on ``test_idx``: the work of :func:`calibrate`."""
    from .cascades import simulated_cascade_shapes

    train, test = shapes.iloc[train_idx], shapes.iloc[test_idx]
    base = base_config(b["n_nodes"])
    theta, weights, dist, eps, history, generations = _abc_smc(
        _stat_arrays(train), base.to_dict(), b, seeds["fit"], pool, progress
    )
    # the point estimate: the final population's best few particles scored
    # again on the training cascades with 4x the simulations (a minimum over
    # noisy distances favours luck)
    top = np.argsort(dist, kind="stable")[: b.get("n_refine", 5)]
    tasks = [
        (base.to_dict(), theta[i].tolist(), 4 * b["n_sim"], sd, _stat_arrays(train))
        for i, sd in zip(top, refine_seeds(seeds["check"], len(top)), strict=True)
    ]
    rescored = np.array([r[0] for r in pool.map(_evaluate, tasks, lambda: None)])
    chosen = int(top[np.argmin(rescored)])
    rows, fitted = [], {}
    for j, name in enumerate(PARAMETERS):
        values = np.array([_from_unit(name, u) for u in theta[:, j]])
        mean = float(np.sum(weights * values))
        sd = float(np.sqrt(np.sum(weights * (values - mean) ** 2)))
        med = _weighted_quantile(values, weights, 0.5)
        rows.append(
            {
                "parameter": name,
                "config_path": PARAMETERS[name][0],
                "mean": mean,
                "sd": sd,
                "median": med,
                "q025": _weighted_quantile(values, weights, 0.025),
                "q975": _weighted_quantile(values, weights, 0.975),
                "best": float(values[chosen]),
            }
        )
        fitted[PARAMETERS[name][0]] = float(values[chosen])
    params = pd.DataFrame(rows)
    # the held-out check runs the fitted scenario at its own seed, so that
    # `smmsim cascades --simulate fitted.yaml --n n_check` gives the very same cascades
    cfg = base.with_overrides(fitted).replace(
        name=f"calibrated_{label}".lower(), seed=check_seed(seeds["check"])
    )
    sim = simulated_cascade_shapes(cfg, b["n_check"])
    gw = fit_branching([trees[i] for i in train_idx])
    gw_sim = simulate_branching(gw, b["n_check"], rng=seeds["baseline"])
    fit = pd.concat(
        [
            ks_table(test, sim).assign(model="smmsim"),
            ks_table(test, gw_sim).assign(model="branching"),
            # the training cascades themselves as the "model": the KS that two real
            # samples of this label show, the floor any model meets at these sizes
            ks_table(test, train).assign(model="real_training"),
        ],
        ignore_index=True,
    )
    fit.insert(0, "label", label)
    fit = fit[["label", "model", "stat", "ks", "p", "n_observed", "n_simulated"]]
    reference = ks_reference(
        sim, len(test_idx), observed=fit[fit["model"] == "smmsim"], rng=seeds["reference"]
    )
    reference.insert(0, "label", label)
    return {"theta": theta, "weights": weights, "dist": dist, "eps": eps, "history": history,
            "generations": generations, "config": cfg, "params": params, "fit": fit,
            "reference": reference, "baseline": gw, "simulated": sim,
            "baseline_simulated": gw_sim}  # fmt: skip


def calibrate(
    path: str | Path | None = None,
    *,
    label: str = "False",
    out: str | Path | None = None,
    budget: str = "quick",
    test_fraction: float = 0.3,
    rng: SeedLike = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
) -> CalibrationResult:
    """Fit the claim's spreading to the real cascades of one label.

    Parameters
    ----------
    path : str or Path, optional
        Real reply trees, as for :func:`smmsim.cascades.cascade_shapes`
        (default: the Chilean cascades, wherever :func:`smmsim.realdata.find_data`
        finds them).
    label : str, default "False"
        Which label's cascades to fit.
    out : str or Path, optional
        Folder to write ``fitted.yaml`` (a runnable scenario whose claim is
        the fitted one: ``smmsim cascades --simulate out/fitted.yaml``),
        ``fit.csv`` (held-out KS table of the fitted model, the
        baseline and, as the noise floor, the training cascades themselves),
        ``ks_reference.csv`` (the KS distances a model exactly right shows
        against as many cascades, and the fit's bootstrap p:
        :func:`smmsim.cascades.ks_reference`), ``split.csv`` (which cascade
        was held out), ``params.csv`` (fitted values and uncertainty),
        ``posterior.csv`` (the final ABC population) and ``history.csv``
        (every particle evaluated).
    budget : {"tiny", "quick", "full"}, default "quick"
        Preset sizes (:data:`BUDGETS`); ``quick`` takes a few minutes on 2 cores.
    test_fraction : float in (0, 1), default 0.3
        Share of the cascades held out (drawn at random with ``rng``).
    rng : int or numpy.random.SeedSequence, default 0
        Seed of the split, the ABC draws and the checks.
    workers : int, optional
        Local processes (default: up to 2).
    scheduler : str, optional
        Address of a Dask scheduler to evaluate particles on instead.
    progress : bool, default False
        Show a progress bar.

    Returns
    -------
    CalibrationResult

    Raises
    ------
    ValueError
        On an unknown budget, a bad ``test_fraction``, or fewer than 10
        cascades with the label.
    """
    check_choice("budget", budget, tuple(BUDGETS))
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"`test_fraction` must be in (0, 1); got {test_fraction!r}.")
    if isinstance(rng, np.random.Generator):
        raise TypeError("`rng` must be an int or a SeedSequence (the run is reproducible).")
    root = as_seed_sequence(rng)
    seeds = calibration_seeds(root)
    start = time.perf_counter()
    b = BUDGETS[budget]
    trees = read_reply_trees(path, labels=label)
    if len(trees) < 10:
        raise ValueError(f"`label` {label!r} has {len(trees)} cascades; at least 10 are needed.")
    train_idx, test_idx = _split(len(trees), test_fraction, seeds["split"])
    shapes = _shapes_of(trees)
    pool = _Pool(workers=workers, scheduler=scheduler)
    try:
        f = _fit_split(trees, shapes, train_idx, test_idx, label, b, seeds, pool, progress)
    finally:
        pool.close()
    theta, weights, dist, eps = f["theta"], f["weights"], f["dist"], f["eps"]
    cfg, params, fit, gw = f["config"], f["params"], f["fit"], f["baseline"]
    history, generations = f["history"], f["generations"]
    posterior = pd.DataFrame(
        {name: [_from_unit(name, u) for u in theta[:, j]] for j, name in enumerate(PARAMETERS)}
    )
    posterior["weight"] = weights
    posterior["distance"] = dist
    result = CalibrationResult(
        label=label,
        config=cfg,
        params=params,
        fit=fit,
        posterior=posterior,
        history=history,
        baseline_params=gw,
        split=pd.DataFrame(
            {
                "cascade_id": shapes["cascade_id"],
                "label": shapes["label"],
                "split": np.where(np.isin(np.arange(len(shapes)), test_idx), "test", "train"),
            }
        ),
        n_train=len(train_idx),
        n_test=len(test_idx),
        seconds=time.perf_counter() - start,
        generations=generations,
        out=Path(out) if out is not None else None,
        reference=f["reference"],
    )
    if result.out is not None:
        _write(result, result.out, budget, eps)
    return result


def cross_validate(
    path: str | Path | None = None,
    *,
    label: str = "False",
    folds: int = 3,
    budget: str = "quick",
    rng: SeedLike = 0,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """K-fold held-out KS: every real cascade is held out once.

    The cascades of ``label`` are dealt into ``folds`` folds at random; for
    each fold the claim is fitted (as :func:`calibrate` does) on the other
    folds and checked on it (the per-fold rows, with the other folds' real
    cascades as the noise floor, model "real_training"). The pooled rows
    compare all the cascades with the out-of-fold simulations (each fold's
    fitted model contributes in proportion to its fold's size). Read the two
    kinds of row differently: the per-fold rows are the strict held-out
    check, but rest on a third of the cascades (with about 30 held-out
    cascades even the true model exceeds a KS of 0.15 on one of the four
    statistics more often than not); the pooled rows rest on every cascade,
    but since the folds' training sets together weigh every cascade alike,
    a model that follows its training cascades scores well there even when
    the folds differ, so they are closer to an in-sample check (what they
    do catch is a fit that depends on which cascades it saw, and a model
    that cannot reproduce the shapes at all: compare the baseline's rows).

    Parameters
    ----------
    path, label, budget, workers, scheduler, progress
        As for :func:`calibrate`.
    folds : int >= 2, default 3
    rng : int or numpy.random.SeedSequence, default 0
        Seed of the folds, the fits and the checks.

    Returns
    -------
    pandas.DataFrame
        Columns ``label``, ``fold`` (0.. or "pooled"), ``model`` ("smmsim",
        "branching"; per fold also "real_training"), ``stat``, ``ks``, ``p``,
        ``n_observed``, ``n_simulated``.
    """
    check_choice("budget", budget, tuple(BUDGETS))
    check_int("folds", folds, minimum=2)
    if isinstance(rng, np.random.Generator):
        raise TypeError("`rng` must be an int or a SeedSequence (the run is reproducible).")
    root = as_seed_sequence(rng)

    b = BUDGETS[budget]
    trees = read_reply_trees(path, labels=label)
    if len(trees) < 5 * folds:
        raise ValueError(f"`label` {label!r} has {len(trees)} cascades; too few for {folds} folds.")
    shapes = _shapes_of(trees)
    order = np.random.default_rng(calibration_seeds(root)["split"]).permutation(len(trees))
    tables, sims, gw_sims = [], [], []
    pool = _Pool(workers=workers, scheduler=scheduler)
    try:
        for k in range(folds):
            test_idx = np.sort(order[k::folds])
            train_idx = np.setdiff1d(np.arange(len(trees)), test_idx)
            seeds = calibration_seeds(fold_root(root, k))
            f = _fit_split(trees, shapes, train_idx, test_idx, label, b, seeds, pool, progress)
            tables.append(f["fit"].assign(fold=str(k)))
            take = int(round(b["n_check"] * len(test_idx) / len(trees)))
            sims.append(f["simulated"].iloc[:take])
            gw_sims.append(f["baseline_simulated"].iloc[:take])
    finally:
        pool.close()
    pooled = pd.concat(
        [
            ks_table(shapes, pd.concat(sims)).assign(model="smmsim"),
            ks_table(shapes, pd.concat(gw_sims)).assign(model="branching"),
        ],
        ignore_index=True,
    ).assign(label=label, fold="pooled")
    table = pd.concat([*tables, pooled], ignore_index=True)
    return table[["label", "fold", "model", "stat", "ks", "p", "n_observed", "n_simulated"]]


def _shapes_of(trees) -> pd.DataFrame:
    offsets = np.cumsum([0] + [len(t[2]) for t in trees[:-1]])
    forest = np.concatenate([np.where(t[2] >= 0, t[2] + o, -1) for t, o in zip(trees, offsets)])
    shapes = forest_shapes(forest, np.concatenate([t[3] for t in trees]))
    shapes.insert(0, "label", [t[1] for t in trees])
    shapes.insert(0, "cascade_id", [t[0] for t in trees])
    return shapes.drop(columns="root").reset_index(drop=True)


def _write(result: CalibrationResult, out: Path, budget: str, eps: float) -> None:
    import yaml

    from .io import write_text_atomic

    out.mkdir(parents=True, exist_ok=True)
    header = (
        f"# Scenario calibrated by `smmsim calibrate` to the {result.n_train} training "
        f"cascades labelled {result.label!r}\n"
        f"# (budget {budget}, {result.seconds:.0f} s). Fitted values: the best of the final "
        "ABC population's closest particles,\n# scored again with 4x the simulations "
        "(posterior mean, sd and 95% interval in "
        "params.csv; held-out KS in fit.csv).\n"
        f"# Its seed reproduces the held-out check (the smmsim rows of fit.csv):\n"
        f"#   smmsim cascades --simulate {out / 'fitted.yaml'} --n {BUDGETS[budget]['n_check']} "
        "--out sim.csv\n"
    )
    write_text_atomic(
        out / "fitted.yaml", header + yaml.safe_dump(result.config.to_dict(), sort_keys=False)
    )
    write_text_atomic(out / "fit.csv", result.fit.to_csv(index=False))
    if result.reference is not None:
        write_text_atomic(out / "ks_reference.csv", result.reference.to_csv(index=False))
    write_text_atomic(out / "params.csv", result.params.to_csv(index=False))
    write_text_atomic(out / "split.csv", result.split.to_csv(index=False))
    write_text_atomic(out / "posterior.csv", result.posterior.to_csv(index=False))
    write_text_atomic(out / "history.csv", result.history.to_csv(index=False))
    write_text_atomic(
        out / "baseline.yaml",
        yaml.safe_dump({"model": "two-type Galton-Watson, negative binomial offspring",
                        **result.baseline_params}, sort_keys=False),
    )  # fmt: skip


# ---------------------------------------------------------------------------
# Bass (p, q) fitted to simulated adoption curves
# ---------------------------------------------------------------------------


def fit_bass(t: npt.ArrayLike, fraction: npt.ArrayLike, *, fit_market: bool = True) -> dict:
    """Least-squares fit of the Bass curve ``m F(t; p, q)`` to an adoption curve.

    Parameters
    ----------
    t : 1-D array of float >= 0
        Times.
    fraction : 1-D array of float in [0, 1]
        Cumulative share of adopters at each time.
    fit_market : bool, default True
        Fit the market potential ``m`` (the share who ever adopt) too;
        otherwise ``m = 1``.

    Returns
    -------
    dict
        ``p`` (innovation), ``q`` (imitation), ``m`` and ``rmse``.

    Examples
    --------
    >>> from smmsim.classic import bass_mean_field
    >>> t = np.linspace(0, 20, 81)
    >>> fit = fit_bass(t, 0.8 * bass_mean_field(0.02, 0.5, t))
    >>> round(fit["p"], 3), round(fit["q"], 3), round(fit["m"], 3)
    (0.02, 0.5, 0.8)
    """
    from scipy.optimize import least_squares

    from .classic import bass_mean_field

    t = np.asarray(t, dtype=np.float64)
    y = np.asarray(fraction, dtype=np.float64)
    if t.shape != y.shape or t.ndim != 1 or len(t) < 3:
        raise ValueError(
            f"`t` and `fraction` must be 1-D of one length >= 3; got {t.shape} and {y.shape}."
        )

    def resid(x):
        p, q = math.exp(x[0]), math.exp(x[1])
        m = x[2] if fit_market else 1.0
        return m * bass_mean_field(p, q, t) - y

    x0 = [math.log(0.01), math.log(0.3), max(float(y.max()), 1e-3)]
    lo = [math.log(1e-6), math.log(1e-6), 1e-6]
    hi = [math.log(10.0), math.log(100.0), 1.0]
    if not fit_market:
        x0, lo, hi = x0[:2] + [1.0], lo[:2] + [1.0 - 1e-12], hi[:2] + [1.0]
    best = least_squares(resid, x0, bounds=(lo, hi), x_scale="jac", xtol=1e-12, ftol=1e-12)
    return {
        "p": float(math.exp(best.x[0])),
        "q": float(math.exp(best.x[1])),
        "m": float(best.x[2]) if fit_market else 1.0,
        "rmse": float(np.sqrt(np.mean(best.fun**2))),
    }


def bass_q_by_structure(
    graphs: dict, p: float, q: float, *, n_runs: int = 20, t_max: float = 30.0, dt: float = 0.1,
    rng: RngLike = None,
) -> pd.DataFrame:  # fmt: skip
    """How a network's structure maps onto the Bass ``q`` one would estimate.

    Runs :func:`smmsim.classic.bass_network` with the same person-level
    ``p`` and ``q`` on each graph and fits the mean-field Bass curve to the
    mean adoption curve (:func:`fit_bass`). On a complete graph the fitted
    ``q`` is the person-level one; on sparse, clustered or lattice-like
    networks word of mouth saturates locally (the neighbours of an adopter
    are already adopters), so the same people give a smaller aggregate ``q``.

    Parameters
    ----------
    graphs : dict of str -> networkx.Graph
    p, q : float >= 0
        Person-level innovation and imitation rates.
    n_runs : int >= 1, default 20
    t_max, dt : float > 0
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator, optional
        Source of randomness. ``None`` draws fresh entropy; an int or SeedSequence
        gives reproducible results; a Generator is used as is (and advanced).

    Returns
    -------
    pandas.DataFrame
        One row per graph: ``graph``, ``n_nodes``, ``mean_degree``,
        ``clustering`` (average), ``degree_cv`` (sd / mean of degrees), the
        fitted ``p_fit``, ``q_fit``, ``m_fit``, ``rmse`` and ``q_ratio``
        (``q_fit / q``).
    """
    import networkx as nx

    from .classic import bass_network

    rng = np.random.default_rng(rng)
    rows = []
    for name, G in graphs.items():
        curves = bass_network(G, p, q, dt=dt, t_max=t_max, n_runs=n_runs, rng=rng)
        mean = curves.groupby("step").agg(t=("t", "first"), fraction=("fraction", "mean"))
        fit = fit_bass(mean["t"].to_numpy(), mean["fraction"].to_numpy())
        deg = np.array([d for _, d in G.degree()], dtype=np.float64)
        rows.append(
            {
                "graph": name,
                "n_nodes": G.number_of_nodes(),
                "mean_degree": float(deg.mean()),
                "clustering": float(nx.average_clustering(G)),
                "degree_cv": float(deg.std() / deg.mean()) if deg.mean() > 0 else 0.0,
                "p_fit": fit["p"],
                "q_fit": fit["q"],
                "m_fit": fit["m"],
                "rmse": fit["rmse"],
                "q_ratio": fit["q"] / q if q > 0 else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def claim_summary(cfg: ScenarioConfig, shapes: pd.DataFrame) -> dict:
    """What a calibrated claim means in plain numbers (for a marketer).

    Parameters
    ----------
    cfg : ScenarioConfig
        A claim scenario (e.g. ``fitted.yaml`` or ``data/examples/claim_false.yaml``).
    shapes : pandas.DataFrame
        Its simulated cascades (:func:`smmsim.cascades.simulated_cascade_shapes`).

    Returns
    -------
    dict
        The posters' median audience, the chance that a follower or a friend
        who sees the claim replies, the chance a reply to a reply is
        answered back, the mean heat of a conversation thread (answers per
        tweet), and the simulated cascades' median size, 90th
        percentile, share above 1,000 tweets and median depth.
    """
    g = cfg.graph
    if g.followers_sigma is not None:
        median_audience = g.followers_mean * g.n_nodes * math.exp(-(g.followers_sigma**2) / 2)
    else:
        a = g.followers_alpha
        median_audience = g.followers_mean * g.n_nodes * (a - 1) / a * 2 ** (1 / a)
    return {
        "median audience of a poster": float(median_audience),
        "follower reply chance": g.ties.trust_followers * cfg.crisis.stickiness,
        "friend reply chance": g.ties.trust_friends * cfg.crisis.stickiness,
        "reply answered back": cfg.crisis.reply_back_prob,
        "mean thread heat": cfg.crisis.thread_heat,
        "median cascade (tweets)": float(shapes["size"].median()),
        "1 in 10 cascades exceeds (tweets)": float(shapes["size"].quantile(0.9)),
        "share of cascades over 1,000 tweets": float((shapes["size"] > 1000).mean()),
        "median depth (reply generations)": float(shapes["depth"].median()),
    }
