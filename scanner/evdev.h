/* evdev.h: the shell of a USB keyboard-wedge (HID) scanner. It finds the
 * configured device (devid.h: a path, or vid:pid[:serial] through a udev
 * enumeration of the input subsystem), checks that it has letter and digit
 * keys, grabs it exclusively (EVIOCGRAB, so no keystroke reaches the
 * desktop or the kiosk browser; nothing that is not configured is ever
 * grabbed), sets its LEDs to CapsLock off and NumLock on when it may
 * write (the decoder's start state), reads it with a uv_poll on the
 * daemon's loop and feeds the pure decoder (hidkeys.h), whose scans go to
 * scan_source_submit() and rejections to scan_source_error().
 *
 * A missing or unplugged device is state "waiting" and is reopened with
 * backoff (100 ms doubling to 1 s), at once on a hot-plug "add" of the
 * input subsystem. SYN_DROPPED drops the partial scan and resyncs the
 * modifiers from libevdev. Loop thread only; see scan.h for the
 * contract. */
#ifndef EVDEV_H
#define EVDEV_H
#include "scanner/scan.h"

extern const struct scan_shell_ops hid_shell_ops;
#endif
