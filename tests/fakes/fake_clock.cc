#include "tests/fakes/fake_clock.h"
