#!/usr/bin/python3
"""sni-watcher.py - a minimal org.kde.StatusNotifierWatcher for the GUI tests (from
../shared/desktop-testing/sni_watcher.py; /usr/bin/python3: needs gi).

Owns org.kde.StatusNotifierWatcher on the session bus, accepts
RegisterStatusNotifierItem / RegisterStatusNotifierHost, exposes
RegisteredStatusNotifierItems / IsStatusNotifierHostRegistered / ProtocolVersion, emits the
usual signals and drops items whose bus name vanishes.  Prints one line per event on stdout
("registered :1.5/org/ayatana/NotificationItem/x") so a test can wait for it.
  --fake-host   report IsStatusNotifierHostRegistered=true with no real host (headless tests)
"""
import sys
from gi.repository import Gio, GLib

XML = """
<node>
  <interface name="org.kde.StatusNotifierWatcher">
    <method name="RegisterStatusNotifierItem"><arg name="service" type="s" direction="in"/></method>
    <method name="RegisterStatusNotifierHost"><arg name="service" type="s" direction="in"/></method>
    <property name="RegisteredStatusNotifierItems" type="as" access="read"/>
    <property name="IsStatusNotifierHostRegistered" type="b" access="read"/>
    <property name="ProtocolVersion" type="i" access="read"/>
    <signal name="StatusNotifierItemRegistered"><arg type="s"/></signal>
    <signal name="StatusNotifierItemUnregistered"><arg type="s"/></signal>
    <signal name="StatusNotifierHostRegistered"/>
    <signal name="StatusNotifierHostUnregistered"/>
  </interface>
</node>"""
IFACE = "org.kde.StatusNotifierWatcher"
PATH = "/StatusNotifierWatcher"

fake_host = "--fake-host" in sys.argv
items = []          # "busname/objectpath"
hosts = []
conn = None


def emit(name, args=None):
    conn.emit_signal(None, PATH, IFACE, name, args)


def changed(prop, value):
    conn.emit_signal(None, PATH, "org.freedesktop.DBus.Properties", "PropertiesChanged",
                     GLib.Variant("(sa{sv}as)", (IFACE, {prop: value}, [])))


def on_name_owner_changed(_c, _s, _p, _i, _sig, params):
    name, _old, new = params.unpack()
    if new:
        return
    for it in [i for i in items if i.split("/", 1)[0] == name]:
        items.remove(it)
        print("unregistered", it, flush=True)
        emit("StatusNotifierItemUnregistered", GLib.Variant("(s)", (it,)))
        changed("RegisteredStatusNotifierItems", GLib.Variant("as", items))
    if name in hosts:
        hosts.remove(name)
        emit("StatusNotifierHostUnregistered")


def on_call(_c, sender, _path, _iface, method, params, inv):
    (service,) = params.unpack()
    if method == "RegisterStatusNotifierItem":
        # ayatana passes an object path, KDE-style apps pass a bus name
        if service.startswith("/"):
            item = sender + service
        else:
            item = service + "/StatusNotifierItem"
        if item not in items:
            items.append(item)
            print("registered", item, flush=True)
            emit("StatusNotifierItemRegistered", GLib.Variant("(s)", (item,)))
            changed("RegisteredStatusNotifierItems", GLib.Variant("as", items))
        inv.return_value(None)
    elif method == "RegisterStatusNotifierHost":
        hosts.append(sender)
        print("host", sender, flush=True)
        emit("StatusNotifierHostRegistered")
        inv.return_value(None)


def on_get(_c, _sender, _path, _iface, prop):
    if prop == "RegisteredStatusNotifierItems":
        return GLib.Variant("as", items)
    if prop == "IsStatusNotifierHostRegistered":
        return GLib.Variant("b", fake_host or bool(hosts))
    if prop == "ProtocolVersion":
        return GLib.Variant("i", 0)
    return None


def on_bus(c, _name):
    global conn
    conn = c
    node = Gio.DBusNodeInfo.new_for_xml(XML)
    c.register_object(PATH, node.interfaces[0], on_call, on_get, None)
    c.signal_subscribe("org.freedesktop.DBus", "org.freedesktop.DBus", "NameOwnerChanged",
                       "/org/freedesktop/DBus", None, Gio.DBusSignalFlags.NONE,
                       on_name_owner_changed)


def on_acquired(_c, name):
    print("watcher ready", name, flush=True)


def on_lost(_c, name):
    print("could not own", name, flush=True)
    loop.quit()


loop = GLib.MainLoop()
Gio.bus_own_name(Gio.BusType.SESSION, IFACE, Gio.BusNameOwnerFlags.NONE,
                 on_bus, on_acquired, on_lost)
loop.run()
