#!/usr/bin/python3
"""make-symbolic.py — writes hicolor/scalable/status/dialtone-*-symbolic.svg, the tray's
symbolic telephone in every state the tray can show (dt-tray.c), beside the coloured
dialtone-*.svg. Run it after changing a shape here; the SVGs it writes are committed.

They sit in scalable/status, not symbolic/status: hicolor's index.theme (0.17, Debian 12) lists
no symbolic/status directory, so neither GTK nor a tray host looking in the item's
IconThemePath would find them there.

GNOME's symbolic style: 16×16, filled paths only (the theme recolours fills, not strokes), one
colour (#bebebe). Colour is never the only cue, so every state differs in shape:
  idle        the telephone alone, both lights off
  connecting  two "ringing" arcs beside the handset
  strong      a closed padlock
  weak        an open padlock (its shackle lifted)
  error       a cross
A light that is off is an empty round hole in the telephone's body; a light that is on is a
wider hole holding a solid dot (transmit left, receive right, as in the coloured set).
"""
import math
import os

COLOUR = "#bebebe"
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "hicolor", "scalable", "status")

HANDSET = ("M0.5 6 C0.5 3.6 3 2 6 2 C9 2 11.5 3.6 11.5 6 L11.5 7 L9 7 L9 5.6 "
           "C7.6 5 4.4 5 3 5.6 L3 7 L0.5 7 Z")
BODY = "M2.5 8 L9.5 8 L11.5 11 L11.5 14 C11.5 15 11 15.5 10 15.5 L2 15.5 C1 15.5 0.5 15 0.5 14 L0.5 11 Z"
LIGHTS = ((3.5, 12.8), (8.5, 12.8))  # transmit, receive
HOLE_OFF = 1.4
HOLE_ON, DOT_ON = 2.1, 1.1


def circle(cx, cy, r, sweep=1):
    """A closed circle as two arcs; sweep 0 draws it the other way round (a hole)."""
    return ("M{x0:g} {cy:g} A{r:g} {r:g} 0 1 {s} {x1:g} {cy:g} A{r:g} {r:g} 0 1 {s} {x0:g} {cy:g} Z"
            .format(x0=round(cx - r, 3), x1=round(cx + r, 3), cy=cy, r=r, s=sweep))


def ring_arc(cx, cy, r_in, r_out, a0, a1):
    """A filled band between two radii, from angle a0 to a1 (degrees, y down)."""
    def pt(r, a):
        return (round(cx + r * math.cos(math.radians(a)), 3),
                round(cy + r * math.sin(math.radians(a)), 3))
    (ax, ay), (bx, by) = pt(r_out, a0), pt(r_out, a1)
    (cx1, cy1), (dx, dy) = pt(r_in, a1), pt(r_in, a0)
    return ("M{:g} {:g} A{:g} {:g} 0 0 1 {:g} {:g} L{:g} {:g} A{:g} {:g} 0 0 0 {:g} {:g} Z"
            .format(ax, ay, r_out, r_out, bx, by, cx1, cy1, r_in, r_in, dx, dy))


def bar(x0, y0, x1, y1, half):
    """A straight bar from (x0, y0) to (x1, y1), half its width thick on each side."""
    dx, dy = x1 - x0, y1 - y0
    n = math.hypot(dx, dy)
    ox, oy = -dy / n * half, dx / n * half
    pts = [(x0 + ox, y0 + oy), (x1 + ox, y1 + oy), (x1 - ox, y1 - oy), (x0 - ox, y0 - oy)]
    return "M" + " L".join("%g %g" % (round(x, 3), round(y, 3)) for x, y in pts) + " Z"


LOCK_BODY = "M12.25 5 L16 5 L16 9 L12.25 9 Z"
BADGES = {
    "idle": [],
    "connecting": [ring_arc(11.5, 5, 1.5, 2.4, -75, -5), ring_arc(11.5, 5, 3.3, 4.3, -80, -5)],
    # The shackle stands on the lock's body: closed.
    "strong": [LOCK_BODY, "M12.525 5 L12.525 3.5 A1.6 1.6 0 0 1 15.725 3.5 L15.725 5 L15.125 5 "
               "L15.125 3.5 A1 1 0 0 0 13.125 3.5 L13.125 5 Z"],
    # The shackle lifted, its left leg out of the body: open.
    "weak": [LOCK_BODY, "M12.525 2.6 L12.525 2 A1.6 1.6 0 0 1 15.725 2 L15.725 5 L15.125 5 "
             "L15.125 2 A1 1 0 0 0 13.125 2 L13.125 2.6 Z"],
    "error": [bar(12.6, 1.4, 15.6, 4.4, 0.65), bar(15.6, 1.4, 12.6, 4.4, 0.65)],
}
WORDS = {
    "idle": "idle (no badge)", "connecting": "connecting (ringing arcs)",
    "strong": "connected, strong encryption (closed padlock)",
    "weak": "connected, weak encryption (open padlock)", "error": "error (a cross)",
}


def icon(state, tx, rx):
    body = [BODY]
    dots = []
    for (cx, cy), on in zip(LIGHTS, (tx, rx)):
        body.append(circle(cx, cy, HOLE_ON if on else HOLE_OFF, 0))
        if on:
            dots.append(circle(cx, cy, DOT_ON))
    lights = "transmit light %s, receive light %s" % ("on" if tx else "off", "on" if rx else "off")
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           "<!-- Dialtone symbolic tray icon (written by ../../../make-symbolic.py): telephone, "
           "%s, %s. -->" % (WORDS[state], lights),
           '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">',
           '  <path fill="%s" d="%s"/>' % (COLOUR, HANDSET),
           '  <path fill="%s" fill-rule="evenodd" d="%s"/>' % (COLOUR, " ".join(body))]
    out += ['  <path fill="%s" d="%s"/>' % (COLOUR, d) for d in dots + BADGES[state]]
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main():
    os.makedirs(OUT, exist_ok=True)
    for state in ("idle", "connecting", "error"):
        write(state, state, False, False)
    for state in ("strong", "weak"):
        for suffix, tx, rx in (("", False, False), ("-tx", True, False), ("-rx", False, True),
                               ("-txrx", True, True)):
            write(state + suffix, state, tx, rx)


def write(name, state, tx, rx):
    with open(os.path.join(OUT, "dialtone-%s-symbolic.svg" % name), "w") as f:
        f.write(icon(state, tx, rx))


if __name__ == "__main__":
    main()
