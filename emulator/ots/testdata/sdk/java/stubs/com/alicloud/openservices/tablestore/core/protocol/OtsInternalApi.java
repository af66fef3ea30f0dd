package com.alicloud.openservices.tablestore.core.protocol;
// Stub: only the enum the plain-buffer classes name.
public final class OtsInternalApi { public enum ActionType { PUT_ROW, UPDATE_ROW, DELETE_ROW } }
