"""The dashboard's inputs: Mesa's model parameters, each shown with its current value.

Mesa's ``ModelCreator`` draws a slider without its value (Vuetify shows it only while
the thumb is dragged), so a student cannot read the budget, the months or the decay they
set. :func:`ParameterInputs` does what ``ModelCreator`` does (the same ``model_params``
format, the same reactive ``model_parameters`` that Mesa's ``ModelController`` builds
the model from on Reset) and writes each slider's value beside it, in the input's unit
(the ``"format"`` key of its entry, a :meth:`str.format` pattern, e.g. ``"£{:,.0f} m"``).
The value texts have the CSS class ``placejobs-value`` (the browser test reads them).
"""

from __future__ import annotations

from typing import Any

import solara
from mesa.visualization.solara_viz import split_model_params

__all__ = ["ParameterInputs", "format_value"]

#: Mesa's input types that are sliders.
_SLIDERS = {"SliderInt": solara.SliderInt, "SliderFloat": solara.SliderFloat}


def format_value(options: dict[str, Any], value: Any) -> str:
    """An input's value as shown beside it: its ``"format"`` pattern, else ``str``."""
    pattern = options.get("format")
    return pattern.format(value) if pattern else str(value)


@solara.component
def ParameterInputs(params: dict[str, Any], model_parameters: solara.Reactive[dict]):
    """The inputs of ``params``, writing into ``model_parameters`` (Mesa's reset reads it).

    Args:
        params: Mesa's ``model_params``: fixed values pass through, dicts with a ``type``
            (``SliderInt``, ``SliderFloat``, ``Select``, ``InputText``) are inputs.
        model_parameters: the keyword arguments of the next model (shared with Mesa's
            ``ModelController``).
    """
    inputs, fixed = split_model_params(params)
    solara.use_effect(lambda: model_parameters.set(
        {**fixed, **{k: v.get("value") for k, v in inputs.items()}}), [])
    current = model_parameters.value

    def setter(name: str):
        return lambda value: model_parameters.set({**model_parameters.value, name: value})

    for name, options in inputs.items():
        value = current.get(name, options.get("value"))
        kind = options.get("type")
        label = options.get("label", name)
        if kind in _SLIDERS:
            with solara.Row(style={"align-items": "center", "gap": "8px"}):
                with solara.Column(style={"flex": "1 1 auto", "min-width": "0"}):
                    _SLIDERS[kind](label, value=value, on_value=setter(name),
                                   min=options.get("min"), max=options.get("max"),
                                   step=options.get("step"))
                solara.Text(format_value(options, value), classes=["placejobs-value"],
                            style={"white-space": "nowrap", "font-weight": "500"})
        elif kind == "Select":
            solara.Select(label, value=value, values=options.get("values"),
                          on_value=setter(name))
        elif kind == "InputText":
            solara.InputText(label=label, value=value, on_value=setter(name))
        else:
            raise ValueError(f"{name}: input type {kind!r} is not supported")
