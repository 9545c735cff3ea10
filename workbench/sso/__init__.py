"""Single sign-on with OpenID Connect: the claim mapping, the sign-in backend and its pages."""
