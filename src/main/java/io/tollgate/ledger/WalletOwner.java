package io.tollgate.ledger;

public enum WalletOwner { END_USER, ORGANIZATION }
