package com.aliyun.ots.thirdparty.com.google.protobuf;
public class ByteString { }
