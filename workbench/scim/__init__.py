"""SCIM 2.0 provisioning (RFC 7643/7644): the identity provider manages users and their roles."""
