"""Keys that take a step on something other than an objective, offered by role.

Kept apart from the steps' forms (screens/steps.py): the app's and the dashboard's keys are
drawn in the first frame, which does not wait for the steps' declarations (superviser/actions.py).
Until the app has loaded them, after that frame, a key is offered; its step refuses it if pressed.
"""

from __future__ import annotations

from textual import events


class RoleKeys:
    """For keys that take a step on something other than an objective (a new decision, a unit's
    channels, a person's contact, a recurring matter): ``ROLE_STEPS`` maps the key's action to its
    step. A key is offered only when the person's role allows the step (``key_refusal``, which a
    screen may widen for its own rule); pressed anyway, it says why, in the core's words."""

    ROLE_STEPS: dict[str, str] = {}

    def key_refusal(self, action: str) -> str | None:
        step = self.ROLE_STEPS.get(action)
        if step is None or not self.app.steps_loaded:
            return None
        from superviser import actions  # (loaded: steps_loaded)

        return actions.role_refusal(step, self.app.person, self.app.login)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        return None if self.key_refusal(action) else True

    def on_key(self, event: events.Key) -> None:
        active = self.active_bindings.get(event.key)
        if active is None or active.enabled:
            return
        problem = self.key_refusal(active.binding.action)
        if problem:
            event.stop()
            self.notify(problem, severity="warning", markup=False)
