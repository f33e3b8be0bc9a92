// The header's one function is inline; SwiftPM wants a source file in every C target.
#include "prefetch.h"
