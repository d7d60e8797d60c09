#!/usr/bin/python3
"""Serves a video file over RTSP on loopback with Debian's gst-rtsp-server (tests only).

usage: /usr/bin/python3 rtsp_server.py PORT MOUNT FILE.avi
The file (MJPG in AVI) is decoded and re-encoded to H.264 (x264, zero latency) in real time; prints 'ready' when
listening. The test kills this process and starts it again to see Seer reconnect.
"""
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

Gst.init(None)
port, mount, video = sys.argv[1], sys.argv[2], sys.argv[3]
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(
    f"( filesrc location={video} ! avidemux ! jpegdec ! videoconvert ! "
    "x264enc tune=zerolatency speed-preset=ultrafast key-int-max=5 ! rtph264pay name=pay0 pt=96 config-interval=1 )"
)
factory.set_shared(True)
server.get_mount_points().add_factory(mount, factory)
if server.attach(None) == 0:
    sys.exit("could not listen on port " + port)
print("ready", flush=True)
GLib.MainLoop().run()
