"""Why the districts' pay ranks as it does: the model's pay and the data's on the same inputs.

Usage (from the repository root)::

    PYTHONPATH=$PWD .venv/bin/python tools/district_pay.py RESULTS [RESULTS ...]

``RESULTS`` is the directory of a finished district run (``placejobs run
scenarios/baseline-lad.toml``) or of a sweep's replications (``placejobs validate`` writes
them to ``DIR/runs/uk-lad-baseline``); several are pooled by averaging each district's
median pay over every month of every run (the rank of the replications' mean pay). The
tool compares the model's median weekly pay of employed residents with the data's (ONS
ASHE 2019, by residence: the target ``district_pay_rank``) district by district:

* the rank correlation overall and within each nation;
* the same least-squares line for both, on the district's own inputs (the place table of
  the ``uk-lad`` geography) and a constant per region::

      ln pay_d = b_adv a_d + b_int i_d + b_gva ln g_d + b_u u_d + b_dens ln n_d + c_r(d) + e_d

  with ``a``, ``i`` the advanced and intermediate shares, ``g`` GVA per hour (by
  workplace), ``u`` the unemployment rate (data) and ``n`` residents per km2. It prints
  both sets of coefficients, their R2 and the correlation of the two residuals;
* what each difference costs: the rank of the data's fitted line with one of the model's
  coefficients in place of the data's, and of the model's fitted line with one of the
  data's (a coefficient whose swap moves the rank most is where the model and the data
  differ most, for this target);
* how far any function of the shipped inputs could go: the rank of the data's own line,
  fitted in sample, on the inputs above and every other district input the place table
  has (employment rate, workplace jobs per working-age resident, broadband and gigabit
  coverage: :data:`EXTRA_INPUTS`), and out of sample: the median, lowest and highest
  rank of 10-fold cross-validated predictions over 20 random splits (fit on nine tenths
  of the districts, predict the tenth), for the five inputs and for all nine. A model's
  pay that is a smooth function of these inputs can hardly rank above them;
* how noisy the data are: ASHE's district medians are survey estimates with 95%
  intervals in the shipped file. The tool prints their median relative standard error
  and the rank of the 2019 medians with themselves plus a fresh draw of their own
  sampling error (200 draws, seed 0, the districts with a 2019 estimate of their own
  code): what even a model that knew each district's true median could expect, roughly.

The analysis of 3 December 2026 in ``docs/validation.md`` (district pay) is this tool's
output on the district baseline.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

#: Inputs of the line, in the order printed.
INPUTS: tuple[str, ...] = ("advanced", "intermediate", "log_gva_per_hour",
                           "unemployment", "log_density")

#: The place table's other district inputs, for the in-sample ceiling.
EXTRA_INPUTS: tuple[str, ...] = ("employment", "log_jobs_per_person", "broadband",
                                 "gigabit")


def inputs(places: pd.DataFrame) -> pd.DataFrame:
    """The line's inputs and region of each district (from the geography's place table)."""
    gva = places["gva_per_hour_gbp"].astype(float)
    return pd.DataFrame({
        "advanced": places["skill_share_advanced"],
        "intermediate": places["skill_share_intermediate"],
        "log_gva_per_hour": np.log(gva.fillna(gva.median())),
        "unemployment": places["unemployment_rate"],
        "log_density": np.log(places["population"] / places["area_km2"]),
        "employment": places["employment_rate"],
        "log_jobs_per_person": np.log(places["workplace_jobs"] / places["working_age"]),
        "broadband": places["broadband_share"],
        "gigabit": places["gigabit_share"],
        "region": places["itl1"],
    }, index=places.index)


def design(x: pd.DataFrame, names: tuple[str, ...] = INPUTS) -> pd.DataFrame:
    """Inputs ``names``, a constant and one indicator per region but the first."""
    frame = x[list(names)].astype(float).copy()
    frame["constant"] = 1.0
    regions = pd.get_dummies(x["region"], prefix="region", drop_first=True).astype(float)
    return frame.join(regions)


def fit(y: pd.Series, frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, float]:
    """Least squares of ``y`` on ``frame``: coefficients, residuals, R2."""
    beta = np.linalg.lstsq(frame.to_numpy(), y.to_numpy(), rcond=None)[0]
    resid = y.to_numpy() - frame.to_numpy() @ beta
    r2 = 1.0 - resid.var() / y.to_numpy().var()
    return beta, resid, float(r2)


def rank(a, b) -> float:
    """Spearman rank correlation."""
    return float(spearmanr(a, b)[0])


def decompose(model_pay: pd.Series, data_pay: pd.Series, x: pd.DataFrame) -> dict:
    """Every figure the tool prints, for districts with both pays (see the module doc)."""
    keep = model_pay.dropna().index.intersection(data_pay.dropna().index)
    model_pay, data_pay, x = model_pay[keep], data_pay[keep], x.loc[keep]
    frame = design(x)
    bm, rm, r2m = fit(np.log(model_pay), frame)
    bd, rd, r2d = fit(np.log(data_pay), frame)
    names, matrix = list(frame.columns), frame.to_numpy()
    swaps = {}
    for i, name in enumerate(names):
        if name == "constant":
            continue
        data_with_model = bd.copy()
        data_with_model[i] = bm[i]
        model_with_data = bm.copy()
        model_with_data[i] = bd[i]
        swaps[name] = (rank(matrix @ data_with_model, data_pay),
                       rank(matrix @ model_with_data, data_pay))
    nation = pd.Series(keep.str[0], index=keep)
    ceiling = math.nan
    if set(EXTRA_INPUTS) <= set(x.columns):
        wide = design(x, INPUTS + EXTRA_INPUTS)
        ceiling = rank(wide.to_numpy() @ fit(np.log(data_pay), wide)[0], data_pay)
    return {
        "districts": len(keep),
        "rank": rank(model_pay, data_pay),
        "rank_by_nation": {n: rank(model_pay[nation == n], data_pay[nation == n])
                           for n in ("E", "W", "S", "N") if (nation == n).sum() > 2},
        "coefficients": pd.DataFrame({"model": bm, "data": bd}, index=names),
        "r2": (r2m, r2d),
        "residual_correlation": float(np.corrcoef(rm, rd)[0, 1]),
        "fitted_rank": (rank(matrix @ bm, data_pay), rank(matrix @ bd, data_pay)),
        "swaps": swaps,
        "ceiling": ceiling,
    }


def cross_validated(data_pay: pd.Series, x: pd.DataFrame, names: tuple[str, ...],
                    folds: int = 10, splits: int = 20) -> tuple[float, float, float]:
    """Median, lowest and highest rank of out-of-fold predictions of the data's line.

    Each split deals the districts into ``folds`` folds at random (seeds 0 to
    ``splits - 1``); each fold's pay is predicted by the line fitted on the others.
    """
    keep = data_pay.dropna().index
    matrix = design(x.loc[keep], names).to_numpy()
    log_pay = np.log(data_pay[keep].to_numpy())
    ranks = []
    for seed in range(splits):
        fold = np.random.default_rng(seed).permutation(len(keep)) % folds
        predicted = np.empty(len(keep))
        for k in range(folds):
            train = fold != k
            beta = np.linalg.lstsq(matrix[train], log_pay[train], rcond=None)[0]
            predicted[~train] = matrix[~train] @ beta
        ranks.append(rank(predicted, data_pay[keep]))
    return float(np.median(ranks)), float(min(ranks)), float(max(ranks))


def sampling_noise(indicators: pd.DataFrame, codes: pd.Index, year: int = 2019,
                   draws: int = 200) -> tuple[float, float, int]:
    """Median relative s.e. of the districts' pay, its rank with a re-draw, districts.

    ``indicators`` is the ONS long table (``areacd``, ``indicator``, ``period``,
    ``observation``, ``lci_95``, ``uci_95``); the standard error is the 95% interval's
    width over 3.92.
    """
    rows = indicators[(indicators["indicator"] == "Gross median weekly pay")
                      & indicators["period"].astype(str).str.startswith(str(year))
                      & indicators["areacd"].isin(codes)]
    rows = rows.dropna(subset=["observation", "lci_95", "uci_95"]).drop_duplicates("areacd")
    pay = rows["observation"].to_numpy(dtype=float)
    se = (rows["uci_95"] - rows["lci_95"]).to_numpy(dtype=float) / 3.92
    rng = np.random.default_rng(0)
    ranks = [rank(pay, pay + se * rng.standard_normal(pay.size)) for _ in range(draws)]
    return float(np.median(se / pay)), float(np.median(ranks)), int(pay.size)


def _places(directory: Path) -> Path | None:
    """The place table of a run (``places.parquet``) or a sweep (``places/``), if any."""
    for path in (directory / "places.parquet", directory / "places"):
        if path.exists():
            return path
    return None


def model_pay(directories: list[Path]) -> pd.Series:
    """Each district's median pay over the months of every run, GBP a week."""
    frames = [pd.read_parquet(_places(d), columns=["place", "median_wage"])
              for d in directories]
    return pd.concat(frames).groupby("place")["median_wage"].mean()


def main(argv: list[str] | None = None) -> int:
    """Print the comparison for the runs named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", type=Path, nargs="+", help="district run directories")
    args = parser.parse_args(argv)
    for d in args.results:
        if _places(d) is None:
            print(f"error: {d}: no places.parquet or places/ (a finished run's directory?)",
                  file=sys.stderr)
            return 2
    from sim.world.geography_lad import uk_lad

    places = uk_lad().places
    x = inputs(places)
    out = decompose(model_pay(args.results), places["median_weekly_pay_gbp"], x)
    nations = ", ".join(f"{k} {v:.3f}" for k, v in out["rank_by_nation"].items())
    print(f"districts {out['districts']}: rank {out['rank']:.3f} ({nations})")
    print(f"R2 model {out['r2'][0]:.3f}, data {out['r2'][1]:.3f}; residuals correlate "
          f"{out['residual_correlation']:.3f}; fitted lines rank model "
          f"{out['fitted_rank'][0]:.3f}, data {out['fitted_rank'][1]:.3f}")
    print(f"the data's line on every district input ({', '.join(INPUTS + EXTRA_INPUTS)}) "
          f"ranks {out['ceiling']:.3f} in sample")
    for names in (INPUTS, INPUTS + EXTRA_INPUTS):
        mid, low, high = cross_validated(places["median_weekly_pay_gbp"], x, names)
        print(f"out of sample (10 folds, 20 splits), {len(names)} inputs: "
              f"{mid:.3f} ({low:.3f} to {high:.3f})")
    from sim.world.resources import read_data_csv

    rse, noisy, n = sampling_noise(read_data_csv("uk/local/ons_local_indicators.csv"),
                                   places.index)
    print(f"the data's sampling error: median relative s.e. {rse:.3f}; the 2019 medians "
          f"rank {noisy:.3f} with a fresh draw of it ({n} districts)")
    table = out["coefficients"].drop(index="constant")
    table["data, model's coefficient"] = [out["swaps"][n][0] for n in table.index]
    table["model, data's coefficient"] = [out["swaps"][n][1] for n in table.index]
    with pd.option_context("display.width", 120, "display.max_columns", 10,
                           "display.float_format", "{:.3f}".format):
        print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
