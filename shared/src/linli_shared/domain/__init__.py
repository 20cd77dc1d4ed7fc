"""Domain rules every service speaks: ages in completed years (周岁) and the derived groups."""
