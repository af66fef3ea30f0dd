package com.alicloud.openservices.tablestore.core.protocol;
public final class TunnelServiceApi { public enum ActionType { PUT_ROW, UPDATE_ROW, DELETE_ROW } }
