// SailPoint Identity Security Cloud personal access tokens (PATs): the native plugin of @isc-pat/pulumi-sailpoint-pat.
package iscpat
