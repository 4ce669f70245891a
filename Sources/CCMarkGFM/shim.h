// The only C headers Loom reads. Only Sources/LoomKit/Markdown/CMark.swift imports this module.
#include <cmark-gfm.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm-core-extensions.h>
