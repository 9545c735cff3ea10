"""Users, departments, roles and the attributes that access policies read."""
