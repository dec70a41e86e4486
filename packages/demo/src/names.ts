/**
 * Name parts for synthetic subscribers. Surnames carry rough frequency weights (王, 李, 张 are each about 7%
 * of the population), so the demo reads like a real customer list rather than a uniform shuffle.
 */
export const SURNAMES: ReadonlyArray<{ value: string; weight: number }> = [
  { value: '王', weight: 14 }, { value: '李', weight: 14 }, { value: '张', weight: 13 }, { value: '刘', weight: 11 },
  { value: '陈', weight: 9 }, { value: '杨', weight: 6 }, { value: '黄', weight: 5 }, { value: '赵', weight: 4 },
  { value: '吴', weight: 4 }, { value: '周', weight: 4 }, { value: '徐', weight: 3 }, { value: '孙', weight: 3 },
  { value: '马', weight: 3 }, { value: '朱', weight: 3 }, { value: '胡', weight: 3 }, { value: '郭', weight: 2 },
  { value: '何', weight: 2 }, { value: '林', weight: 2 }, { value: '高', weight: 2 }, { value: '罗', weight: 2 },
  { value: '郑', weight: 2 }, { value: '梁', weight: 2 }, { value: '沈', weight: 2 }, { value: '钱', weight: 1 },
  { value: '谢', weight: 1 }, { value: '宋', weight: 1 }, { value: '唐', weight: 1 }, { value: '许', weight: 1 },
  { value: '韩', weight: 1 }, { value: '冯', weight: 1 }, { value: '邓', weight: 1 }, { value: '曹', weight: 1 },
  { value: '彭', weight: 1 }, { value: '曾', weight: 1 }, { value: '蒋', weight: 1 }, { value: '蔡', weight: 1 },
  { value: '叶', weight: 1 }, { value: '程', weight: 1 }, { value: '苏', weight: 1 }, { value: '顾', weight: 1 },
];

export const GIVEN_NAMES: readonly string[] = [
  '伟', '芳', '娜', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛',
  '明', '超', '秀兰', '霞', '平', '刚', '桂英', '浩', '宇', '欣怡', '子涵', '梓萱', '一诺', '浩然', '宇轩', '婷',
  '建华', '建国', '志强', '海燕', '晓燕', '丹', '鹏', '飞', '斌', '辉', '华', '玲', '红', '萍', '雪', '琳',
  '博文', '子轩', '思远', '佳怡', '雨涵', '俊杰', '晨', '颖', '倩', '亮', '健', '文', '雅琴', '立新',
];
